package dev.plasma.autoconfigure;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;

import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.mutation.PlasmaMutatorMethodRegistrar;

/**
 * Registers {@code @PlasmaMutator} methods, resolving the registry and the application's
 * {@link JsonMapper} only once every singleton exists (the registrar is a static bean so that it does
 * not force early initialization of the configuration).
 */
class LazyMutatorMethodRegistrar extends PlasmaMutatorMethodRegistrar {

	LazyMutatorMethodRegistrar(ObjectProvider<MutatorRegistry> registry, ObjectProvider<JsonMapper> jsonMapper) {
		super(registry::getObject, () -> jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

}
