package dev.plasma.access;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.POSTGRESQL)
class PostgresReadRuleTests extends AbstractReadRuleTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

}
