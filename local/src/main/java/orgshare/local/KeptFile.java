package orgshare.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * A value a local run makes once and keeps in its data folder (the operator key, the secrets a deployment keeps in
 * Secrets Manager): written whole to a temporary file readable by its owner only, then moved into place, so a run
 * that starts at the same time reads either nothing or the whole value, and the first run to write it wins.
 */
final class KeptFile {
    private KeptFile() {
    }

    /** The value kept in {@code dataDir/name}, made by {@code fresh} and written there when there is none. */
    static String read(Path dataDir, String name, Supplier<String> fresh) throws IOException {
        Path file = dataDir.resolve(name);
        Files.createDirectories(dataDir);
        if (!Files.exists(file)) {
            String made = fresh.get();
            Path temporary = Files.createTempFile(dataDir, name, ".tmp", ownerOnly(dataDir));
            Files.writeString(temporary, made + "\n");
            try {
                Files.move(temporary, file);
                return made;
            } catch (FileAlreadyExistsException anotherRunWasFirst) {
                Files.delete(temporary);
            }
        }
        return Files.readString(file).strip();
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }
}
