package io.suffice.runtime;

/**
 * A configuration or usage error: bad key, bad value, unknown plugin, unreadable config file. The message is one line
 * naming the culprit (key, value, choices). The CLI maps it to exit status 2.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
