package io.suffice.api.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The word splitting every word-level text pipeline of suffice shares (a caption dataset's vocabulary and the
 * zero-shot tokenizer must cut text the same way): lower-cased runs of letters and digits, and each other
 * non-space character as a word of its own. Stateless.
 */
public final class Words {
    private Words() {
    }

    /** The words of {@code text}, e.g. {@code "A photo of a T-shirt."} gives {@code a photo of a t - shirt .}. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        String s = text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (Character.isLetterOrDigit(c)) {
                int j = i;
                while (j < s.length() && Character.isLetterOrDigit(s.codePointAt(j))) {
                    j += Character.charCount(s.codePointAt(j));
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                if (!Character.isWhitespace(c)) {
                    out.add(new String(Character.toChars(c)));
                }
                i += Character.charCount(c);
            }
        }
        return out;
    }
}
