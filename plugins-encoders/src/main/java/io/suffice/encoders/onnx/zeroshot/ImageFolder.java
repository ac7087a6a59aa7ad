package io.suffice.encoders.onnx.zeroshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The images of a folder: either one sub-folder per class (the sub-folder name is the label and must be one of the
 * classes) or image files directly in the folder (unlabelled). PNG, JPEG, GIF and BMP files are taken, in sorted
 * order. Stateless.
 */
public final class ImageFolder {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".gif", ".bmp");

    private ImageFolder() {
    }

    /**
     * One image file and its label.
     *
     * @param file  the image
     * @param label the class index, or -1 when the folder is unlabelled
     */
    public record Entry(Path file, int label) {
    }

    /** Lists the images of {@code dir}; sub-folders must be named after {@code classes}. */
    public static List<Entry> scan(Path dir, List<String> classes) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no image folder at " + dir);
        }
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<Entry> out = new ArrayList<>();
        if (subdirs.isEmpty()) {
            images(dir).forEach(f -> out.add(new Entry(f, -1)));
        } else {
            for (Path sub : subdirs) {
                String name = sub.getFileName().toString();
                int label = classes.indexOf(name);
                if (label < 0) {
                    throw new IllegalArgumentException("sub-folder '" + name + "' of " + dir
                            + " is not one of the classes " + classes);
                }
                images(sub).forEach(f -> out.add(new Entry(f, label)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no images (" + EXTENSIONS + ") in " + dir);
        }
        return out;
    }

    /**
     * Every image of {@code dir} without labels: the files directly in it, then those of each sub-folder, each
     * group in sorted order (the order {@link #scan} gives a labelled folder).
     */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no image folder at " + dir);
        }
        List<Path> out = new ArrayList<>(images(dir));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path sub : s.filter(Files::isDirectory).sorted().toList()) {
                out.addAll(images(sub));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no images (" + EXTENSIONS + ") in " + dir);
        }
        return out;
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return EXTENSIONS.stream().anyMatch(n::endsWith);
            }).sorted().toList();
        }
    }
}
