package dev.plasma.poke;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbPokeTests extends AbstractPokeTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
