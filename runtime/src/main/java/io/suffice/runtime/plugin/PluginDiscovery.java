package io.suffice.runtime.plugin;

import io.suffice.api.plugin.CommandProvider;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.plugin.PluginProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds plugins with {@link ServiceLoader}: first on the class path, then in every {@code *.jar} of a plugins folder,
 * each JAR in its own child class loader (so one JAR's classes cannot clash with another's). A JAR in which any
 * service fails to load (not a JAR, bad {@code META-INF/services} entry, missing class, exception in a constructor) is
 * reported as a {@link PluginLoadProblem} with its path and cause and skipped as a whole, so a half-loaded plugin
 * never runs; everything else still loads.
 */
public final class PluginDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(PluginDiscovery.class);

    private final ClassLoader parent;

    public PluginDiscovery(ClassLoader parent) {
        this.parent = parent;
    }

    /** Discovers the class path's plugins and those in {@code pluginsDir} (which may be absent). */
    public PluginRegistry discover(Path pluginsDir) {
        List<PluginDescriptor> plugins = new ArrayList<>();
        List<CommandProvider> commands = new ArrayList<>();
        List<PluginLoadProblem> problems = new ArrayList<>();
        load(parent, null, plugins, commands, problems);
        for (Path jar : jars(pluginsDir, problems)) {
            List<PluginDescriptor> found = new ArrayList<>();
            List<CommandProvider> foundCommands = new ArrayList<>();
            List<PluginLoadProblem> failed = new ArrayList<>();
            String problem = checkJar(jar);
            if (problem == null) {
                URLClassLoader loader = newLoader(jar);
                load(loader, jar, found, foundCommands, failed);
                if (found.isEmpty() && foundCommands.isEmpty() && failed.isEmpty()) {
                    failed.add(new PluginLoadProblem(jar.toString(), "declares no suffice services in META-INF/services"));
                }
                if (!failed.isEmpty()) {
                    close(loader, jar); // a skipped JAR must not stay open (one file handle per skipped JAR)
                }
            } else {
                failed.add(new PluginLoadProblem(jar.toString(), problem));
            }
            if (failed.isEmpty()) {
                plugins.addAll(found);
                commands.addAll(foundCommands);
            } else {
                problems.addAll(failed);
            }
        }
        for (PluginLoadProblem p : problems) {
            LOG.warn("skipped plugin source {}", p);
        }
        return new PluginRegistry(plugins, commands, problems);
    }

    private static List<Path> jars(Path dir, List<PluginLoadProblem> problems) {
        if (dir == null || !Files.exists(dir)) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            problems.add(new PluginLoadProblem(dir.toString(), "plugins folder is not a directory"));
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .map(p -> p.toAbsolutePath().normalize()).sorted().toList();
        } catch (IOException e) {
            problems.add(new PluginLoadProblem(dir.toString(), "cannot list plugins folder: " + e.getMessage()));
            return List.of();
        }
    }

    private static String checkJar(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            return null;
        } catch (IOException e) {
            return "not a readable JAR file (" + e.getMessage() + ")";
        }
    }

    private static void close(URLClassLoader loader, Path jar) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("cannot close the class loader of {}", jar, e);
        }
    }

    private URLClassLoader newLoader(Path jar) {
        try {
            return new URLClassLoader("plugin:" + jar.getFileName(), new URL[]{jar.toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Loads every service of every kind visible to {@code loader}. With {@code jar} set, keeps only providers
     * defined by that JAR's loader: the parent's providers are visible through delegation and were taken already.
     */
    private static void load(ClassLoader loader, Path jar, List<PluginDescriptor> plugins,
                             List<CommandProvider> commands, List<PluginLoadProblem> problems) {
        for (PluginKind kind : PluginKind.values()) {
            for (Object p : services(kind.service(), loader, jar, problems)) {
                plugins.add(new PluginDescriptor(kind, (PluginProvider<?>) p, jar != null ? jar.toString()
                        : source(p.getClass())));
            }
        }
        for (Object c : services(CommandProvider.class, loader, jar, problems)) {
            commands.add((CommandProvider) c);
        }
    }

    private static <S> List<S> services(Class<S> service, ClassLoader loader, Path jar,
                                        List<PluginLoadProblem> problems) {
        List<S> out = new ArrayList<>();
        Iterator<S> it = ServiceLoader.load(service, loader).iterator();
        // After a ServiceConfigurationError the iterator moves on to the next entry; the bound guards against a
        // loader that keeps failing on the same one.
        for (int attempts = 0; attempts < 10_000; attempts++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                S s = it.next();
                if (jar == null || s.getClass().getClassLoader() == loader) {
                    String name = nameOf(s);
                    if (name != null) {
                        out.add(s);
                    } else {
                        problems.add(new PluginLoadProblem(jar != null ? jar.toString() : source(s.getClass()),
                                s.getClass().getName() + " returned no name"));
                    }
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(new PluginLoadProblem(jar != null ? jar.toString() : "class path",
                        describe(e)));
            }
        }
        return out;
    }

    private static String nameOf(Object s) {
        if (s instanceof PluginProvider<?> p) {
            return p.name();
        }
        return ((CommandProvider) s).name();
    }

    /** The message chain, innermost cause last, e.g. "Provider x could not be instantiated <- boom". */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getMessage() != null ? t.getMessage() : t.getClass().getName());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    private static String source(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "class path";
        }
        try {
            return Path.of(cs.getLocation().toURI()).toString();
        } catch (Exception e) {
            return cs.getLocation().toString();
        }
    }
}
