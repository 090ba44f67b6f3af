package dev.plasma.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a concrete database suite; see {@link DatabaseSelection}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(DatabaseSelection.class)
public @interface OnDatabase {

	/**
	 * The database the suite runs on.
	 * @return the database
	 */
	TestDatabase value();

}
