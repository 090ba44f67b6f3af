/**
 * Application-facing mutators: the {@link dev.plasma.mutation.PlasmaMutator} annotation, the registry of
 * mutators by name, and the context a mutator runs in.
 */
@NullMarked
package dev.plasma.mutation;

import org.jspecify.annotations.NullMarked;
