package io.suffice.distribution.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.suffice.api.plugin.PluginKind;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginLoadProblem;
import io.suffice.runtime.plugin.PluginRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * JARs dropped into {@code plugins/}: discovery never throws; a JAR it cannot use is skipped and reported as a
 * {@link PluginLoadProblem} whose reason is one line. Two targets: the input as the JAR's bytes (zip structure), and
 * the input as the text of a {@code META-INF/services} file inside a well-formed JAR (service-file syntax, class
 * names that are missing, not providers, or not instantiable).
 */
class PluginJarFuzzTest {
    private static final List<String> SERVICES = Arrays.stream(PluginKind.values())
            .map(k -> k.service().getName()).toList();

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void jarBytes(byte[] input) {
        Path jar = FuzzContract.file("fuzz-plugin.jar", input);
        try {
            FuzzContract.check("plugin-jar", input, () -> discover(jar));
        } finally {
            FuzzContract.delete(jar);
        }
    }

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void serviceFile(byte[] input) {
        // the first byte picks the service interface, the rest is the file's text
        String service = input.length == 0 ? SERVICES.get(0) : SERVICES.get((input[0] & 0xff) % SERVICES.size());
        byte[] text = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        Path jar = FuzzContract.file("fuzz-plugin.jar", jarWith("META-INF/services/" + service, text));
        try {
            FuzzContract.check("plugin-services", input, () -> discover(jar));
        } finally {
            FuzzContract.delete(jar);
        }
    }

    /** Discovers the folder holding {@code jar}; fails unless every problem is reported in one line. */
    private static void discover(Path jar) {
        PluginRegistry registry = new PluginDiscovery(PluginJarFuzzTest.class.getClassLoader())
                .discover(jar.getParent());
        for (PluginLoadProblem p : registry.problems()) {
            String line = p.toString();
            if (line.isBlank() || line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0
                    || line.length() > FuzzContract.MAX_MESSAGE) {
                throw new AssertionError("plugin problem not reported in one line: " + line);
            }
        }
    }

    private static byte[] jarWith(String entry, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(content);
            out.closeEntry();
            out.putNextEntry(new JarEntry("README.txt"));
            out.write("not a class".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

}
