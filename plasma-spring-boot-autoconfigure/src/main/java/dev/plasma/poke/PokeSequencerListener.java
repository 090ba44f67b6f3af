package dev.plasma.poke;

import dev.plasma.sequencer.SequencedBatch;
import dev.plasma.sequencer.SequencerListener;

/**
 * Announces every committed sequencer batch on the {@link PokeBus}: pokes follow sequencing, not pushes,
 * so raw SQL writes and other instances' writes poke too.
 */
public class PokeSequencerListener implements SequencerListener {

	private final PokeBus bus;

	/**
	 * Creates the listener.
	 * @param bus the bus to announce on
	 */
	public PokeSequencerListener(PokeBus bus) {
		this.bus = bus;
	}

	@Override
	public void sequenced(SequencedBatch batch, long[] createdAts) {
		this.bus.publishHead(new HeadAdvanced(batch.region(), batch.lastVersion(), batch.sequencedAt()));
	}

}
