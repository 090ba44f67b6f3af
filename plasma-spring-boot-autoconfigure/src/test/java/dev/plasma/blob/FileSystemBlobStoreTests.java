package dev.plasma.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTests extends AbstractBlobStoreTests {

	@TempDir
	Path directory;

	private BlobStore store;

	@BeforeEach
	void setUp() {
		try {
			this.store = new FileSystemBlobStore(this.directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	protected BlobStore store() {
		return this.store;
	}

}
