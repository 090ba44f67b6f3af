/**
 * Spring Boot glue for Plasma: auto-configurations, properties and database-initialization detectors.
 */
package dev.plasma.autoconfigure;
