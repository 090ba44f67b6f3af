package dev.plasma.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Keeps blobs as files in a directory: {@code uploads/<key>} while staged, {@code blobs/<ab>/<hash>} once
 * published (the first two hex digits spread the files over 256 directories). Publishing is an atomic
 * move within the directory, so a reader never sees a partial blob. Appends go to the end of the staged
 * file and are flushed to disk as they arrive, so a dropped connection keeps what arrived.
 */
public class FileSystemBlobStore implements BlobStore {

	private final Path uploads;

	private final Path blobs;

	/**
	 * Creates the store, creating its directories.
	 * @param directory the directory to keep blobs in
	 * @throws IOException when the directories cannot be created
	 */
	public FileSystemBlobStore(Path directory) throws IOException {
		this.uploads = Files.createDirectories(directory.resolve("uploads"));
		this.blobs = Files.createDirectories(directory.resolve("blobs"));
	}

	@Override
	public long append(String uploadKey, long offset, InputStream bytes) throws IOException {
		Path file = upload(uploadKey);
		long staged = staged(uploadKey);
		if (offset != staged) {
			throw new UploadOffsetException(offset, staged);
		}
		try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
			bytes.transferTo(out);
		}
		return Files.size(file);
	}

	@Override
	public long staged(String uploadKey) throws IOException {
		try {
			return Files.size(upload(uploadKey));
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
	}

	@Override
	public InputStream readStaged(String uploadKey) throws IOException {
		Path file = upload(uploadKey);
		return Files.exists(file) ? Files.newInputStream(file) : InputStream.nullInputStream();
	}

	@Override
	public void publish(String uploadKey, String hash) throws IOException {
		Path file = upload(uploadKey);
		if (!Files.exists(file)) {
			Files.createFile(file);
		}
		Path target = blob(hash);
		Files.createDirectories(target.getParent());
		Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	@Override
	public void discard(String uploadKey) throws IOException {
		Files.deleteIfExists(upload(uploadKey));
	}

	@Override
	public InputStream read(String hash, long offset) throws IOException {
		SeekableByteChannel channel = Files.newByteChannel(blob(hash), StandardOpenOption.READ);
		channel.position(offset);
		return Channels.newInputStream(channel);
	}

	@Override
	public boolean contains(String hash) throws IOException {
		return Files.isRegularFile(blob(hash));
	}

	@Override
	public void delete(String hash) throws IOException {
		Files.deleteIfExists(blob(hash));
	}

	private Path upload(String uploadKey) {
		return this.uploads.resolve(BlobHashes.requireKey(uploadKey));
	}

	private Path blob(String hash) {
		BlobHashes.requireHash(hash);
		return this.blobs.resolve(hash.substring(0, 2)).resolve(hash);
	}

}
