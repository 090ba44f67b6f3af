package dev.plasma.clients;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2ClientGroupsTests extends AbstractClientGroupsTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
