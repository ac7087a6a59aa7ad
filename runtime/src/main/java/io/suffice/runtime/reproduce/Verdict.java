package io.suffice.runtime.reproduce;

/**
 * One row of {@code verdicts.csv}: a claim of a paper's figure, what was measured, what the paper says, and whether
 * the claim holds here by the figure's rule (stated in its class and in docs/REPRODUCTION.md).
 *
 * @param figure   the figure id, with a qualifier when a figure tests a claim on several datasets
 *                 ({@code ls-fig2/xor})
 * @param claim    the claim in one sentence
 * @param measured what this run measured, with its spread
 * @param expected what the paper reports or the theory predicts
 * @param verdict  holds, fails or inconclusive
 * @param detail   how the rule decided, and what was tried when it does not hold
 */
public record Verdict(String figure, String claim, String measured, String expected, Outcome verdict,
                      String detail) {

    /** The verdict of a rule. */
    public enum Outcome {
        HOLDS("holds"), FAILS("fails"), INCONCLUSIVE("inconclusive");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        /** As written in {@code verdicts.csv}. */
        public String label() {
            return label;
        }
    }

    /** The header of {@code verdicts.csv}. */
    public static final String CSV_HEADER = "figure,claim,measured,expected,verdict,detail";

    /** This verdict as a CSV row (RFC 4180 quoting). */
    public String csvRow() {
        return String.join(",", quote(figure), quote(claim), quote(measured), quote(expected), verdict.label(),
                quote(detail));
    }

    static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
