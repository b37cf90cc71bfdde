package dev.hourmeter.starter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bulk form of {@code migrate}: a CSV file whose first line (not blank, not a {@code #}
 * comment) is the header {@code customer,aws-account-id,license-arn} and each later line one
 * migration. Fields may be enclosed in double quotes ({@code ""} inside for a quote); a field
 * holding a comma (a LicenseArn may) must be. Blank lines and lines starting with {@code #} are
 * skipped. The product is not a column: one file is for the {@code --product} given.
 */
final class MigrationCsv {

  static final List<String> HEADER = List.of("customer", "aws-account-id", "license-arn");

  /** One data line: its number in the file and its fields, or why it cannot be read. */
  record Line(int number, String customer, String awsAccountId, String licenseArn, String problem) {

    static Line invalid(int number, String problem) {
      return new Line(number, null, null, null, problem);
    }
  }

  private MigrationCsv() {}

  /**
   * The data lines of {@code text}.
   *
   * @throws IllegalArgumentException when the header is missing or not {@link #HEADER}
   */
  static List<Line> parse(String text) {
    String[] rows = text.split("\r?\n", -1);
    List<Line> lines = new ArrayList<>();
    boolean header = false;
    for (int i = 0; i < rows.length; i++) {
      String row = rows[i];
      int number = i + 1;
      if (i == 0 && row.startsWith("\uFEFF")) {
        row = row.substring(1); // a byte order mark some spreadsheets write
      }
      if (row.isBlank() || row.stripLeading().startsWith("#")) {
        continue;
      }
      List<String> fields = fields(row);
      if (!header) {
        List<String> names =
            fields == null
                ? List.of()
                : fields.stream().map(f -> f.trim().toLowerCase(Locale.ROOT)).toList();
        if (!names.equals(HEADER)) {
          throw new IllegalArgumentException(
              "line "
                  + number
                  + ": the header must be "
                  + String.join(",", HEADER)
                  + ", got '"
                  + row
                  + "'");
        }
        header = true;
        continue;
      }
      if (fields == null) {
        lines.add(Line.invalid(number, "line: a quoted field is not closed"));
      } else if (fields.size() != HEADER.size()) {
        lines.add(
            Line.invalid(
                number,
                "line: expected "
                    + HEADER.size()
                    + " columns ("
                    + String.join(",", HEADER)
                    + "), got "
                    + fields.size()
                    + " (quote a field holding a comma)"));
      } else {
        lines.add(
            new Line(
                number, fields.get(0).trim(), fields.get(1).trim(), fields.get(2).trim(), null));
      }
    }
    if (!header) {
      throw new IllegalArgumentException("the file has no header line " + String.join(",", HEADER));
    }
    return lines;
  }

  /** The fields of one row; null when a quoted field is not closed. */
  static List<String> fields(String row) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < row.length(); i++) {
      char c = row.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
        field.setLength(0);
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    fields.add(field.toString());
    return fields;
  }
}
