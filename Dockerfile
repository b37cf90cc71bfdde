# The hourmeter images, two targets of one build:
#   worker (the default, last stage): the worker jar operators deploy; runs `worker`.
#   dev: the devtools jar, every command (`worker`, `dev`, `simulator`, `bench`); docker-compose.yml's
#        `simulator` service runs it (docker build --target dev .).
FROM maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY workflows workflows
COPY activities activities
COPY sqs sqs
COPY simulator simulator
COPY client client
COPY starter starter
COPY worker worker
COPY devtools devtools
RUN mvn -B -q -Dmaven.test.skip=true -pl worker -am package

# Only built for the dev target.
FROM build AS build-dev
RUN mvn -B -q -Dmaven.test.skip=true -pl devtools -am package

FROM eclipse-temurin:21.0.8_9-jre AS dev
RUN useradd --system --uid 10001 hourmeter
COPY --from=build-dev /src/devtools/target/hourmeter-devtools.jar /opt/hourmeter/hourmeter-devtools.jar
USER hourmeter
EXPOSE 4599
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/hourmeter/hourmeter-devtools.jar"]
CMD ["simulator", "--host", "0.0.0.0", "--port", "4599", "--auto-subscribe"]

FROM eclipse-temurin:21.0.8_9-jre AS worker
RUN useradd --system --uid 10001 hourmeter
COPY --from=build /src/worker/target/hourmeter-worker.jar /opt/hourmeter/hourmeter-worker.jar
USER hourmeter
EXPOSE 9464
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/hourmeter/hourmeter-worker.jar"]
CMD ["worker"]
