package io.suffice.runtime.run;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.file.Path;

/**
 * The full (DEBUG) log of one run, written to {@code run.log} in its folder while the console stays concise. The
 * file receives events logged on threads that carry this run's id in the MDC key {@code run}, so parallel sweep arms
 * keep separate logs; with {@code exclusive}, it takes every event (one run at a time).
 */
final class RunLog implements AutoCloseable {
    static final String MDC_KEY = "run";

    private final FileAppender<ILoggingEvent> appender;
    private final Logger root;
    private final MDC.MDCCloseable mdc;

    RunLog(Path file, String runId, boolean exclusive) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            // Another SLF4J binding is in charge (a host application embedding us): leave logging to it.
            appender = null;
            root = null;
            mdc = MDC.putCloseable(MDC_KEY, runId);
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger - %msg%n");
        encoder.start();
        appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("run-" + runId);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        if (!exclusive) {
            appender.addFilter(new Filter<>() {
                @Override
                public FilterReply decide(ILoggingEvent event) {
                    return runId.equals(event.getMDCPropertyMap().get(MDC_KEY)) ? FilterReply.NEUTRAL
                            : FilterReply.DENY;
                }
            });
        }
        appender.start();
        root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        mdc = MDC.putCloseable(MDC_KEY, runId);
    }

    @Override
    public void close() {
        mdc.close();
        if (appender != null) {
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
