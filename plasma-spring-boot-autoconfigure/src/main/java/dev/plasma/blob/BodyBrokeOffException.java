package dev.plasma.blob;

import java.io.IOException;

/**
 * The request body of an upload broke off (the connection dropped); what arrived stays, to be continued.
 */
class BodyBrokeOffException extends IOException {

	BodyBrokeOffException(IOException cause) {
		super("the upload's body broke off: " + cause.getMessage(), cause);
	}

}
