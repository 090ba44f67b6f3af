package dev.plasma.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SpillingBufferTests {

	@Test
	void aBodyWithinTheLimitStaysInMemory() throws Exception {
		SpillingBuffer buffer = new SpillingBuffer(16);
		buffer.write("0123456789".getBytes(StandardCharsets.UTF_8));
		buffer.write('!');

		assertThat(buffer.inMemory()).isTrue();
		assertThat(buffer.file()).isNull();
		assertThat(buffer.size()).isEqualTo(11);
		assertThat(new String(buffer.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("0123456789!");
	}

	@Test
	void aBodyBeyondTheLimitMovesToATemporaryFileWholeAndInOrderAndDiscardDeletesIt() throws Exception {
		SpillingBuffer buffer = new SpillingBuffer(16);
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 1000; i++) {
			String part = "part-" + i + ";";
			expected.append(part);
			buffer.write(part.getBytes(StandardCharsets.UTF_8));
		}
		buffer.write('$');
		expected.append('$');
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		buffer.writeTo(out);
		Path file = buffer.file();

		assertThat(buffer.inMemory()).isFalse();
		assertThat(file).exists();
		assertThat(buffer.size()).isEqualTo(expected.length());
		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
		assertThatIllegalStateException().isThrownBy(buffer::toByteArray);
		buffer.discard();
		assertThat(Files.exists(file)).isFalse();
		buffer.discard();
	}

	@Test
	void aSingleWriteLargerThanTheLimitGoesStraightToTheFile() throws Exception {
		SpillingBuffer buffer = new SpillingBuffer(4);
		buffer.write("ab".getBytes(StandardCharsets.UTF_8));
		buffer.write("cdefgh".getBytes(StandardCharsets.UTF_8), 0, 6);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		buffer.writeTo(out);
		buffer.discard();

		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("abcdefgh");
	}

}
