//! The contract's internals: posting, reading sources, the TWAP accumulator, the sequencer
//! gate and the inputs of a quote.

use super::*;

/// Maps a math failure to the contract's error (unreachable with the price bound).
pub(crate) fn math(_: lien_math::MathError) -> Error {
    Error::Math(OracleMath {})
}

/// The multiplier in force: `bps` until `expires_at`, then 1×.
pub(crate) fn effective_multiplier(bps: u32, expires_at: u64, now: u64) -> u32 {
    if bps != 0 && now < expires_at {
        bps
    } else {
        ONE_BPS
    }
}

impl PriceOracle {
    /// Fails with `OwnableUnauthorizedAccount(caller)` unless the caller is the owner.
    pub(crate) fn only_owner(&self) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        if account != self.owner.get() {
            return Err(Error::UnauthorizedAccount(OwnableUnauthorizedAccount {
                account,
            }));
        }
        Ok(())
    }

    /// Stores `new_owner` (not zero: `OwnableInvalidOwner(0)`) and emits
    /// `OwnershipTransferred`.
    pub(crate) fn set_owner(&mut self, new_owner: Address) -> Result<(), Error> {
        if new_owner.is_zero() {
            return Err(Error::InvalidOwner(OwnableInvalidOwner {
                owner: Address::ZERO,
            }));
        }
        let previous = self.owner.get();
        self.owner.set(new_owner);
        self.emit(
            &[
                OwnershipTransferred::SIGNATURE_HASH,
                topic(previous),
                topic(new_owner),
            ],
            &[],
        );
        Ok(())
    }

    /// Emits an event given its topics (signature hash first) and data words.
    pub(crate) fn emit(&self, topics: &[B256], data: &[U256]) {
        self.vm()
            .emit_log(&abi::log_data(topics, data), topics.len());
    }

    /// Static call with `selector`; `None` when it reverts.
    /// The call gets at most [`FEED_CALL_GAS`], so a broken or hostile feed cannot consume the
    /// caller's gas and make the price views revert.
    pub(crate) fn read(&self, target: Address, selector: &[u8; 4]) -> Option<Vec<u8>> {
        let ctx = stylus_sdk::stylus_core::calls::context::Call::new().gas(FEED_CALL_GAS);
        self.vm().static_call(&ctx, target, selector).ok()
    }

    /// `latestRoundData()` of `feed`, `None` when it reverts or returns malformed data.
    pub(crate) fn round(&self, feed: Address) -> Option<feed::Round> {
        self.read(feed, &feed::LATEST_ROUND_DATA)
            .and_then(|d| feed::decode_round(&d))
    }

    /// The kind of `source` for `collection` (`kind::NONE` if it is not a source).
    pub(crate) fn kind_of(&self, collection: Address, source: Address) -> u8 {
        SourceMeta::unpack(
            self.collections
                .getter(collection)
                .sources
                .getter(source)
                .meta
                .get(),
        )
        .kind
    }

    /// Number of sources (the index of the first empty slot).
    pub(crate) fn source_count(&self, collection: Address) -> usize {
        let c = self.collections.getter(collection);
        (0..MAX_SOURCES)
            .find(|&i| c.source_list.get(i).unwrap_or_default().is_zero())
            .unwrap_or(MAX_SOURCES)
    }

    pub(crate) fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    pub(crate) fn params_of(&self, collection: Address) -> Params {
        packed::unpack_params(self.collections.getter(collection).params.get())
            .unwrap_or(params::DEFAULT)
    }

    pub(crate) fn configured(&self, collection: Address) -> bool {
        packed::unpack_params(self.collections.getter(collection).params.get()).is_some()
    }

    pub(crate) fn grace(&self) -> u64 {
        self.sequencer_grace.get().as_limbs()[0]
    }

    pub(crate) fn write_params(&mut self, collection: Address, p: Params) {
        self.collections
            .setter(collection)
            .params
            .set(packed::pack_params(&p));
        let data = [
            num(p.min_sources.into()),
            num(p.max_age),
            num(p.max_jump_bps.into()),
            num(p.confirm_delay),
            num(p.max_spread_bps.into()),
            num(p.twap_window),
            num(p.decimals.into()),
        ];
        self.emit(&[ParamsSet::SIGNATURE_HASH, topic(collection)], &data);
    }

    pub(crate) fn add_source(
        &mut self,
        collection: Address,
        source: Address,
        k: u8,
        feed_decimals: u8,
    ) -> Result<(), Error> {
        self.only_owner()?;
        if source.is_zero() || collection.is_zero() {
            return Err(Error::ZeroAddress(OracleZeroAddress {}));
        }
        if !self.configured(collection) {
            self.write_params(collection, params::DEFAULT);
        }
        if self.kind_of(collection, source) != kind::NONE {
            return Err(Error::SourceExists(OracleSourceExists {
                collection,
                source,
            }));
        }
        let n = self.source_count(collection);
        let mut c = self.collections.setter(collection);
        let Some(mut slot) = c.source_list.setter(n) else {
            return Err(Error::TooManySources(OracleTooManySources { collection }));
        };
        slot.set(source);
        let meta = SourceMeta {
            kind: k,
            feed_decimals,
            ..SourceMeta::default()
        };
        c.sources.setter(source).meta.set(meta.pack());
        self.emit(
            &[
                SourceAdded::SIGNATURE_HASH,
                topic(collection),
                topic(source),
            ],
            &[num(k.into()), num(feed_decimals.into())],
        );
        Ok(())
    }

    /// The checks of one post: `reporter` reports for `collection` and `0 < price ≤ MAX_PRICE`.
    pub(crate) fn check_post(
        &self,
        collection: Address,
        reporter: Address,
        price: U256,
    ) -> Result<(), Error> {
        if self.kind_of(collection, reporter) != kind::REPORTER {
            return Err(Error::UnauthorizedReporter(OracleUnauthorizedReporter {
                collection,
                reporter,
            }));
        }
        if price.is_zero() || price > MAX_PRICE {
            return Err(Error::BadPrice(OracleBadPrice { collection, price }));
        }
        Ok(())
    }

    pub(crate) fn post_one(&mut self, collection: Address, price: U256) -> Result<(), Error> {
        let reporter = self.vm().msg_sender();
        self.check_post(collection, reporter, price)?;
        let p = self.params_of(collection);
        let now = self.now();
        let mut c = self.collections.setter(collection);
        let mut s = c.sources.setter(reporter);
        let mut meta = SourceMeta::unpack(s.meta.get());
        let (accepted, anchor) = packed::unpack_pair(s.price.get());
        let (pending, episode) = packed::unpack_pair(s.pending.get());
        let (reference, reference_at) =
            jump::reference(accepted, anchor, meta.anchor_at, now, p.confirm_delay);
        let decision = jump::decide(
            reference,
            pending,
            episode,
            meta.pending_since,
            price,
            now,
            p.max_jump_bps,
            p.confirm_delay,
        );
        match decision {
            Decision::Accept | Decision::Confirm => {
                // A confirmed jump, or the first price, anchors a new band period.
                let (anchor, anchor_at) = if decision == Decision::Confirm || reference.is_zero() {
                    (price, now)
                } else {
                    (reference, reference_at)
                };
                s.price.set(packed::pack_pair(price, anchor));
                s.pending.set(U256::ZERO);
                meta = SourceMeta {
                    updated_at: now,
                    pending_since: 0,
                    pending_at: 0,
                    anchor_at,
                    ..meta
                };
                s.meta.set(meta.pack());
                if decision == Decision::Confirm {
                    self.emit(
                        &[
                            PriceConfirmed::SIGNATURE_HASH,
                            topic(collection),
                            topic(reporter),
                        ],
                        &[price, accepted],
                    );
                } else {
                    self.emit(
                        &[
                            PricePosted::SIGNATURE_HASH,
                            topic(collection),
                            topic(reporter),
                        ],
                        &[price],
                    );
                }
            }
            Decision::Hold { since, episode } => {
                s.pending.set(packed::pack_pair(price, episode));
                meta = SourceMeta {
                    pending_since: since,
                    pending_at: now,
                    ..meta
                };
                s.meta.set(meta.pack());
                self.emit(
                    &[
                        PriceHeldBack::SIGNATURE_HASH,
                        topic(collection),
                        topic(reporter),
                    ],
                    &[price, accepted, num(since)],
                );
            }
        }
        self.roll_twap(collection)
    }

    /// Reads one source. `twap_side` picks the value the TWAP uses (the latest post, held back
    /// or not) instead of the borrow-side value (the accepted one, or a lower held-back one).
    pub(crate) fn observe(
        &self,
        collection: Address,
        source: Address,
        twap_side: bool,
        quote_decimals: u8,
    ) -> Observation {
        let c = self.collections.getter(collection);
        let s = c.sources.getter(source);
        let meta = SourceMeta::unpack(s.meta.get());
        if meta.kind == kind::FEED {
            return match self.round(source) {
                Some(r) => Observation {
                    price: normalize(r.answer, meta.feed_decimals, quote_decimals)
                        .unwrap_or_default(),
                    time: u64::try_from(r.updated_at).unwrap_or(u64::MAX),
                },
                None => Observation::default(),
            };
        }
        let accepted = Observation {
            price: packed::unpack_pair(s.price.get()).0,
            time: meta.updated_at,
        };
        // Nothing is held back while `pending_at` is 0 (a hold sets it, an accept clears both):
        // the held-back word is only read when there is one (a cold slot per source saved).
        if meta.pending_at == 0 {
            return accepted;
        }
        let pending = Observation {
            price: packed::unpack_pair(s.pending.get()).0,
            time: meta.pending_at,
        };
        if pending.price.is_zero() {
            return accepted;
        }
        if twap_side || pending.price < accepted.price {
            pending
        } else {
            accepted
        }
    }

    pub(crate) fn aggregate(
        &self,
        collection: Address,
        twap_side: bool,
    ) -> Result<Aggregate, Error> {
        let p = self.params_of(collection);
        let now = self.now();
        let mut collector = Collector::default();
        for i in 0..self.source_count(collection) {
            let source = self
                .collections
                .getter(collection)
                .source_list
                .get(i)
                .unwrap_or_default();
            collector.push(
                self.observe(collection, source, twap_side, p.decimals),
                now,
                p.max_age,
            );
        }
        collector.finish().map_err(math)
    }

    pub(crate) fn accumulator(&self, collection: Address) -> Accumulator {
        let c = self.collections.getter(collection);
        let (start, time, _) = packed::unpack_twap(c.twap.get());
        Accumulator {
            start,
            time,
            price: c.twap_price.get(),
            cum: c.twap_cum.get(),
        }
    }

    pub(crate) fn checkpoint(&self, collection: Address, i: usize) -> (u64, U256) {
        packed::unpack_checkpoint(
            self.collections
                .getter(collection)
                .checkpoints
                .get(i)
                .unwrap_or_default(),
        )
    }

    /// Every checkpoint's time, in slot order (the unit tests' view of the ring).
    #[cfg(test)]
    pub(crate) fn checkpoint_times(&self, collection: Address) -> [u64; CHECKPOINTS] {
        let mut times = [0u64; CHECKPOINTS];
        for (i, t) in times.iter_mut().enumerate() {
            *t = self.checkpoint(collection, i).0;
        }
        times
    }

    /// The TWAP now (`None` without history) and whether the history is shorter than the window.
    pub(crate) fn twap_now(&self, collection: Address) -> Result<(Option<U256>, bool), Error> {
        let acc = self.accumulator(collection);
        if acc.start == 0 {
            return Ok((None, false));
        }
        let now = self.now();
        let window = self.params_of(collection).twap_window;
        let (_, _, next) = packed::unpack_twap(self.collections.getter(collection).twap.get());
        let next = (next as usize) % CHECKPOINTS;
        let picked = window::pick_checkpoint_in_ring(next, now, window, |i| {
            self.checkpoint(collection, i).0
        });
        let Some(i) = picked else {
            return Ok((None, false));
        };
        let (cp_time, cp_cum) = self.checkpoint(collection, i);
        let twap = window::average_since(&acc, cp_time, cp_cum, now).map_err(math)?;
        Ok((Some(twap), now.saturating_sub(acc.start) < window))
    }

    /// Accumulates the aggregate in force since the last roll, takes the new TWAP-side
    /// aggregate when it has quorum, and writes a checkpoint when one is due.
    pub(crate) fn roll_twap(&mut self, collection: Address) -> Result<(), Error> {
        let now = self.now();
        let p = self.params_of(collection);
        let agg = self.aggregate(collection, true)?;
        let quorum = agg.fresh >= p.min_sources && agg.fresh > 0;
        let mut acc = self.accumulator(collection);
        let (_, _, next) = packed::unpack_twap(self.collections.getter(collection).twap.get());
        let next = (next as usize) % CHECKPOINTS;
        let newest = self
            .checkpoint(collection, (next + CHECKPOINTS - 1) % CHECKPOINTS)
            .0;
        if acc.start == 0 {
            if !quorum {
                return Ok(());
            }
            acc = Accumulator {
                start: now,
                time: now,
                price: agg.median,
                cum: U256::ZERO,
            };
        } else {
            let elapsed = now
                .checked_sub(acc.time)
                .ok_or(Error::Math(OracleMath {}))?;
            acc.cum = lien_math::twap_accumulate(acc.cum, acc.price, elapsed).map_err(math)?;
            acc.time = now;
            if quorum {
                acc.price = agg.median;
            }
        }
        let due = newest == 0 || window::checkpoint_due(newest, now, p.twap_window);
        let checkpoint = packed::pack_checkpoint(now, acc.cum).ok_or(Error::Math(OracleMath {}))?;
        let mut c = self.collections.setter(collection);
        c.twap_price.set(acc.price);
        c.twap_cum.set(acc.cum);
        let mut next_after = next;
        if due {
            if let Some(mut slot) = c.checkpoints.setter(next) {
                slot.set(checkpoint);
            }
            next_after = (next + 1) % CHECKPOINTS;
        }
        c.twap
            .set(packed::pack_twap(acc.start, acc.time, next_after as u64));
        self.emit(
            &[TwapUpdated::SIGNATURE_HASH, topic(collection)],
            &[acc.price, acc.cum, num(agg.fresh.into())],
        );
        Ok(())
    }

    pub(crate) fn raw_multiplier(&self, collection: Address, token_id: U256) -> (u32, u64) {
        packed::unpack_multiplier(
            self.collections
                .getter(collection)
                .multipliers
                .get(token_id),
        )
    }

    /// When the token's multiplier was last set (0 = never).
    pub(crate) fn multiplier_changed_at(&self, collection: Address, token_id: U256) -> u64 {
        packed::multiplier_changed_at(
            self.collections
                .getter(collection)
                .multipliers
                .get(token_id),
        )
    }

    /// Sequencer gate: up (answer 0), a valid `startedAt` not in the future, and more than
    /// `grace` seconds since it. A failing read counts as down. No feed: always up.
    pub(crate) fn sequencer_up(&self) -> bool {
        let feed = self.sequencer_feed.get();
        if feed.is_zero() {
            return true;
        }
        let grace = self.grace();
        let now = self.now();
        match self.round(feed) {
            Some(r) => {
                let Ok(started) = u64::try_from(r.started_at) else {
                    return false;
                };
                r.answer.is_zero() && started != 0 && started <= now && now - started > grace
            }
            None => false,
        }
    }

    pub(crate) fn inputs(&self, collection: Address, token_id: U256) -> Result<Inputs, Error> {
        let p = self.params_of(collection);
        let spot = self.aggregate(collection, false)?;
        let (twap, young) = self.twap_now(collection)?;
        let (bps, expires_at) = self.raw_multiplier(collection, token_id);
        Ok(Inputs {
            sequencer_up: self.sequencer_up(),
            spot,
            min_sources: p.min_sources,
            max_spread_bps: p.max_spread_bps,
            twap,
            young,
            multiplier_bps: effective_multiplier(bps, expires_at, self.now()),
        })
    }
}
