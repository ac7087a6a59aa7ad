package io.suffice.runtime;

/**
 * A configuration or usage error: bad key, bad value, unknown plugin, unreadable config file. The message is one line
 * naming the culprit (key, value, choices). The CLI maps it to exit status 2. A line break inside a culprit (a YAML
 * key or value may hold one) is written as {@code \n}, so the message stays one line.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(oneLine(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message == null ? null : message.replace("\r", "\\r").replace("\n", "\\n");
    }
}
