/**
 * Spring Boot glue for Plasma: auto-configurations, properties, database-initialization detectors and
 * failure analyzers.
 */
@NullMarked
package dev.plasma.autoconfigure;

import org.jspecify.annotations.NullMarked;
