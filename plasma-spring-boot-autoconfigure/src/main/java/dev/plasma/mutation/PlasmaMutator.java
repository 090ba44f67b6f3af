package dev.plasma.mutation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as the mutator for mutations named {@link #value()}.
 * <p>
 * Supported signatures: {@code (A args)} and {@code (A args, MutationContext context)}, where {@code A} is
 * any type Jackson can bind the mutation's JSON {@code args} to (a record, a POJO, a {@code Map}, or
 * {@code tools.jackson.databind.JsonNode} for the raw JSON). The method runs inside the transaction
 * Plasma opens for the mutation; whatever it writes to synced tables (with JdbcTemplate, JdbcClient,
 * JPA, ...) is captured with the mutation's origin. An exception rolls the writes back and marks the
 * mutation failed (it is not retried).
 *
 * <pre class="code">
 * &#64;PlasmaMutator("createTodo")
 * void createTodo(CreateTodo args, MutationContext context) {
 *     jdbc.update("insert into todos (id, text, done) values (?, ?, false)", args.id(), args.text());
 * }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PlasmaMutator {

	/**
	 * The mutation name this method handles.
	 * @return the name
	 */
	String value();

}
