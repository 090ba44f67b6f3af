package dev.plasma.blob;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2BlobUploadsTests extends AbstractBlobUploadsTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
