package io.suffice.runtime.plugin;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Builds real plugin JARs in tests: compiles Java sources against the test class path and packs them. */
public final class TestJars {
    private TestJars() {
    }

    /**
     * @param jar      the JAR to write
     * @param sources  fully qualified class name to source text
     * @param services service interface name to provider lines (written as META-INF/services files)
     */
    public static Path build(Path jar, Map<String, String> sources, Map<String, String> services) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "--release", "17"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = work.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        if (!sources.isEmpty()) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            if (javac.run(null, null, errors, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("test plugin does not compile: " + errors);
            }
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            for (Map.Entry<String, String> e : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
                write(out, e.getValue() + "\n");
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Source of an optimizer provider named {@code name} in class {@code pkg.cls}; its constructor may throw. */
    public static String optimizerSource(String pkg, String cls, String name, boolean throwInConstructor) {
        return "package " + pkg + ";\n"
                + "import io.suffice.api.plugin.*;\nimport io.suffice.api.optim.Optimizer;\nimport java.util.List;\n"
                + "public final class " + cls + " implements OptimizerProvider {\n"
                + "  public " + cls + "() {" + (throwInConstructor
                ? " if (true) throw new IllegalStateException(\"boom in constructor\");" : "") + " }\n"
                + "  public String name() { return \"" + name + "\"; }\n"
                + "  public String description() { return \"jar optimizer\"; }\n"
                + "  public List<ParameterSpec> parameters() { return List.of(); }\n"
                + "  public Optimizer create(PluginConfig c) { return (p, g, i) -> { }; }\n"
                + "}\n";
    }
}
