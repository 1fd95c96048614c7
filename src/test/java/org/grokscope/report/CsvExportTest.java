package org.grokscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV cells: RFC 4180 quoting, and text a spreadsheet would run as a formula made inert; numbers untouched. */
class CsvExportTest {
    @Test
    void cellsAreQuotedAndFormulasDefused() {
        StringBuilder sb = new StringBuilder();
        CsvExport.line(
                sb,
                List.of("a,b", "say \"hi\"", "=HYPERLINK(\"x\")", "-1.5e-3", "+7", "-inf", "@cmd", "line\nbreak", ""));
        assertThat(sb.toString())
                .isEqualTo(
                        "\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",-1.5e-3,+7,-inf,'@cmd,\"line\nbreak\",\n");
    }
}
