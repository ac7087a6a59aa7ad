package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** JSON round trip, foreign files, validation messages, generator p-independence. */
class JghmModelJsonTest {

    /** A hand-written file as a Python script would write it (S=2, L=1, m=2). */
    private static final String FOREIGN = """
            {"S": 2, "L": 1, "m": 2, "p": 0.2,
             "text":  [[[[0.9, 0.1], [0.2, 0.8]], [[0.5, 0.5], [0.0, 1.0]]]],
             "image": [[[[1.0, 0.0], [0.3, 0.7]], [[0.6, 0.4], [0.25, 0.75]]]],
             "comment": "extra keys are ignored"}
            """;

    @Test
    void roundTripKeepsEveryMatrixAndTheSeed(@TempDir Path dir) throws Exception {
        JghmModel model = TransitionMatrixGenerator.generate(new JghmSpec(4, 2, 3, 3, 2, 0.1, 0.3, 0.5, 99));
        Path file = dir.resolve("sub/model.json");
        JghmModelJson.save(model, file);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.json");
        }
        JghmModel back = JghmModelJson.load(file);
        assertThat(back.text().matrices()).isDeepEqualTo(model.text().matrices());
        assertThat(back.image().matrices()).isDeepEqualTo(model.image().matrices());
        assertThat(back.p(Modality.TEXT)).isEqualTo(0.1);
        assertThat(back.p(Modality.IMAGE)).isEqualTo(0.3);
        assertThat(back.noiseScale()).isEqualTo(0.5);
        assertThat(back.seed()).hasValue(99);
        assertThat(back.image().depth()).isEqualTo(3);
        assertThat(back.withP(0.2).text().matrices()).isDeepEqualTo(model.withP(0.2).text().matrices());
    }

    @Test
    void loadsAForeignFileWithoutSeed() {
        JghmModel m = JghmModelJson.fromJson(FOREIGN);
        assertThat(m.states()).isEqualTo(2);
        assertThat(m.text().transition(0, 1, 1, 1)).isEqualTo(1.0);
        assertThat(m.image().transition(0, 0, 1, 0)).isEqualTo(0.3);
        assertThat(m.noiseScale()).isEqualTo(1.0);
        assertThat(m.seed()).isEmpty();
        assertThatThrownBy(() -> m.withP(0.3)).hasMessageContaining("no seed");
    }

    @Test
    void refusesToChangePOfMatricesThatDoNotComeFromTheSeed() {
        String tampered = JghmModelJson.toJson(JghmModel.paper(0.2, 5)).replace("\"seed\" : 5", "\"seed\" : 6");
        assertThatThrownBy(() -> JghmModelJson.fromJson(tampered).withP(0.1))
                .hasMessageContaining("not generated from seed 6");
    }

    @Test
    void validationNamesTheOffendingPlace() {
        assertThatThrownBy(() -> JghmModelJson.fromJson("[1]")).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> JghmModelJson.fromJson("{\"S\": 2,")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("\"image\"", "\"imag\"")))
                .hasMessage("missing key 'image'");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("\"S\": 2", "\"S\": \"two\"")))
                .hasMessageContaining("key 'S' must be a number");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("\"L\": 1", "\"L\": 2")))
                .hasMessage("text: expected 2 layers, found 1");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("\"m\": 2", "\"m\": 3")))
                .hasMessage("text: layer 0 has 2 child positions, expected m=3");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("[[0.6, 0.4], [0.25, 0.75]]",
                "[[0.6, 0.4]]"))).hasMessage("image: layer 0, position 1 has 1 rows, expected S=2");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("[0.25, 0.75]", "[0.25, 0.5, 0.25]")))
                .hasMessage("image: layer 0, position 1, row 1 has 3 entries, expected S=2");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("[0.2, 0.8]", "[0.2, 0.7]")))
                .hasMessageStartingWith("text: layer 0, position 0, row 1 sums to 0.8999")
                .hasMessageContaining("not 1 (tolerance 1.0E-6)");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("[0.5, 0.5]", "[1.5, -0.5]")))
                .hasMessage("text: layer 0, position 1, row 0 entry 1 = -0.5 is not a probability");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("[0.5, 0.5]", "[0.5, \"x\"]")))
                .hasMessage("text: layer 0, position 1, row 0 entry 1 is not a number: \"x\"");
        assertThatThrownBy(() -> JghmModelJson.fromJson(FOREIGN.replace("\"text\":  [[", "\"text\":  [7, [")))
                .hasMessage("text: layer 0 is not an array");
        // within tolerance is accepted
        JghmModelJson.fromJson(FOREIGN.replace("[0.2, 0.8]", "[0.2, 0.8000004]"));
    }

    @Test
    void loadErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, FOREIGN.replace("\"text\"", "\"txt\""));
        assertThatThrownBy(() -> JghmModelJson.load(f)).hasMessage(f + ": missing key 'text'");
    }

    @Test
    void changingPKeepsPermutationsAndGaussianMatrices() {
        JghmSpec spec = JghmSpec.paper(0.0, 3);
        JghmModel perm = TransitionMatrixGenerator.generate(spec);
        JghmModel soft = TransitionMatrixGenerator.generate(spec.withP(1.0));
        JghmModel mid = perm.withP(0.3);
        for (int l = 0; l < 4; l++) {
            for (int c = 0; c < 3; c++) {
                for (int a = 0; a < 10; a++) {
                    int ones = 0;
                    for (int b = 0; b < 10; b++) {
                        double p0 = perm.text().transition(l, c, a, b);
                        ones += p0 == 1.0 ? 1 : 0;
                        assertThat(mid.text().transition(l, c, a, b))
                                .isCloseTo(0.7 * p0 + 0.3 * soft.text().transition(l, c, a, b), within(1e-12));
                        // one permutation per layer, shared by the child positions
                        assertThat(p0).isEqualTo(perm.text().transition(l, 0, a, b));
                    }
                    assertThat(ones).isEqualTo(1);
                }
            }
        }
        assertThat(perm.image().maxAbsDifference(perm.text())).isGreaterThan(0.1);
    }

    @Test
    void aNonFiniteNumberIsNamedWithItsPosition() {
        String nan = FOREIGN.replaceFirst("0\\.\\d+", "NaN");
        assertThat(nan).contains("NaN");
        assertThatThrownBy(() -> JghmModelJson.fromJson(nan)).isInstanceOf(InvalidModelException.class)
                .hasMessageMatching("NaN at line \\d+, column \\d+: a model file holds finite numbers only");
        String inf = FOREIGN.replaceFirst("0\\.\\d+", "-Infinity");
        assertThatThrownBy(() -> JghmModelJson.fromJson(inf))
                .hasMessageMatching("-?Infinity at line \\d+, column \\d+: a model file holds finite numbers only");
    }
}
