package dev.plasma.access;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2ReadRuleTests extends AbstractReadRuleTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
