/**
 * The capture trigger of embedded H2, a Java trigger that renders rows exactly as the SQL triggers of the
 * other databases do.
 */
@NullMarked
package dev.plasma.capture.h2;

import org.jspecify.annotations.NullMarked;
