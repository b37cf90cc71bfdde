# The hourmeter worker image: `worker` (default), `simulator`, or `dev`.
FROM maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY workflows workflows
COPY client client
COPY activities activities
COPY simulator simulator
COPY worker worker
COPY starter starter
RUN mvn -B -q -Dmaven.test.skip=true -pl worker -am package

FROM eclipse-temurin:21.0.8_9-jre
RUN useradd --system --uid 10001 hourmeter
COPY --from=build /src/worker/target/hourmeter-worker.jar /opt/hourmeter/hourmeter-worker.jar
USER hourmeter
EXPOSE 9464 4599
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/hourmeter/hourmeter-worker.jar"]
CMD ["worker"]
