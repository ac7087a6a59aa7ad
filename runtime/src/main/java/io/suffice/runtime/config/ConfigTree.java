package io.suffice.runtime.config;

import io.suffice.runtime.ConfigException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An unvalidated experiment configuration as read from YAML: nested maps of sections ({@code run}, {@code task},
 * {@code optimizer}, ...) holding scalars and lists. Supports {@code --set a.b=value} overrides. Values are copied on
 * every mutation, so instances are effectively immutable.
 */
public final class ConfigTree {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final Map<String, Object> root;

    private ConfigTree(Map<String, Object> root) {
        this.root = root;
    }

    public static ConfigTree empty() {
        return new ConfigTree(new LinkedHashMap<>());
    }

    /** Reads a YAML file; errors name the file and the parser's line and column. */
    public static ConfigTree read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    public static ConfigTree parse(InputStream in, String origin) {
        try {
            Object v = YAML.readValue(in, Object.class);
            if (v == null) {
                return empty();
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw new ConfigException(origin + ": top level must be a mapping of sections, got "
                        + typeName(v));
            }
            return new ConfigTree(copyMap(m));
        } catch (JsonProcessingException e) {
            // the YAML parser's message spans lines ("while scanning ...\nfound character ..."); the CLI prints one
            throw new ConfigException(origin + ": invalid YAML: " + e.getOriginalMessage().strip()
                    .replaceAll("\\s*\\R\\s*", "; ")
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() : ""), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + origin + ": " + e.getMessage(), e);
        }
    }

    /** A deep copy of the tree as nested {@link LinkedHashMap}s and {@link ArrayList}s. */
    public Map<String, Object> asMap() {
        return copyMap(root);
    }

    /** The value at a dotted path such as {@code optimizer.stepsize}, or null. */
    public Object get(String path) {
        Object node = root;
        for (String part : split(path)) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    /**
     * Applies an override {@code key=value}; the value is parsed as a YAML scalar or flow list, so
     * {@code 8} is a number, {@code [1, 10]} a list and {@code leaky-softplus} a string. Keys under {@code sweep}
     * keep their dots: {@code sweep.optimizer.stepsize=[1,10]}.
     */
    public ConfigTree withOverride(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set expects key=value, got '" + assignment + "'");
        }
        String key = assignment.substring(0, eq).trim();
        String text = assignment.substring(eq + 1).trim();
        Object value;
        try {
            value = text.isEmpty() ? "" : YAML.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            value = text;
        }
        return with(key, value);
    }

    /** A copy without the dotted path {@code key} (unchanged when it is absent). */
    public ConfigTree without(String key) {
        Map<String, Object> copy = copyMap(root);
        List<String> parts = split(key);
        Map<String, Object> node = copy;
        for (int i = 0; i < parts.size() - 1; i++) {
            if (!(node.get(parts.get(i)) instanceof Map<?, ?> child)) {
                return this;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> next = (Map<String, Object>) child;
            node = next;
        }
        node.remove(parts.get(parts.size() - 1));
        return new ConfigTree(copy);
    }

    /** A copy with {@code value} at the dotted path {@code key}; intermediate sections are created. */
    public ConfigTree with(String key, Object value) {
        Map<String, Object> copy = copyMap(root);
        List<String> parts = split(key);
        Map<String, Object> node = copy;
        for (int i = 0; i < parts.size() - 1; i++) {
            Object child = node.get(parts.get(i));
            if (child == null) {
                child = new LinkedHashMap<String, Object>();
                node.put(parts.get(i), child);
            } else if (!(child instanceof Map)) {
                throw new ConfigException("cannot set " + key + ": " + String.join(".", parts.subList(0, i + 1))
                        + " is a " + typeName(child) + ", not a section");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> next = (Map<String, Object>) child;
            node = next;
        }
        node.put(parts.get(parts.size() - 1), value);
        return new ConfigTree(copy);
    }

    /** Writes the tree as YAML. */
    public String toYaml() {
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> split(String path) {
        if (path.startsWith("sweep.") && path.length() > 6) {
            return List.of("sweep", path.substring(6));
        }
        List<String> parts = List.of(path.split("\\."));
        if (parts.isEmpty() || parts.stream().anyMatch(String::isBlank)) {
            throw new ConfigException("malformed config key '" + path + "'");
        }
        return parts;
    }

    static String typeName(Object v) {
        if (v instanceof Map) {
            return "section";
        }
        if (v instanceof List) {
            return "list";
        }
        return v == null ? "null" : v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, Object> copyMap(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), deepCopy(x)));
        return out;
    }

    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            return copyMap(m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(deepCopy(x)));
            return out;
        }
        return v;
    }
}
