//! The two reads the LoanBook values an open loan with (docs/contracts/oracle.md, "Views for
//! the LoanBook"): the token's multiplier now, which the LoanBook snapshots at origination,
//! and the collection's liquidation price without any multiplier, which it scales by that
//! snapshot for the loan's whole life. A later `setMultiplier` (or an expiry) therefore never
//! changes an open loan's health.

use super::*;

impl PriceOracle {
    /// The multiplier in force for `token_id` now, in bps: 10_000 when none is set or it expired.
    pub(crate) fn multiplier_now(&self, collection: Address, token_id: U256) -> u32 {
        let (bps, expires_at) = self.raw_multiplier(collection, token_id);
        effective_multiplier(bps, expires_at, self.now())
    }

    /// `liquidationPrice` at 1×: the TWAP (zero before the first accepted aggregate) and the
    /// collection's status.
    pub(crate) fn floor_quote(&self, collection: Address) -> Result<(U256, u8), Error> {
        let q = quote::Inputs {
            multiplier_bps: ONE_BPS,
            ..self.inputs(collection, U256::ZERO)?
        };
        Ok((q.liquidation_price().map_err(math)?, q.status()))
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, U256};
    use motsu::prelude::*;

    use crate::{clock, quote::status, PriceOracle};

    fn collection() -> Address {
        Address::with_last_byte(0xC0)
    }

    #[motsu::test]
    fn multiplier_of_and_liquidation_floor(
        oracle: Contract<PriceOracle>,
        owner: Address,
        reporter: Address,
    ) {
        clock::reset();
        oracle
            .sender(owner)
            .constructor(owner)
            .expect("constructor");
        let (none, none_status) = oracle
            .sender(owner)
            .liquidation_floor(collection())
            .expect("floor");
        assert_eq!((none, none_status), (U256::ZERO, status::NO_QUORUM));
        oracle
            .sender(owner)
            .add_reporter(collection(), reporter)
            .expect("reporter");
        let one_source = crate::params::Params {
            min_sources: 1,
            ..crate::params::DEFAULT
        };
        oracle
            .sender(owner)
            .set_params(collection(), crate::packed::params_word(&one_source))
            .expect("params");
        for _ in 0..2 {
            // two posts a day apart: a full TWAP window at 1_000
            oracle
                .sender(reporter)
                .post_price(collection(), U256::from(1_000))
                .expect("post");
            clock::advance(86_400);
        }
        oracle
            .sender(reporter)
            .post_price(collection(), U256::from(1_000))
            .expect("post");
        let id = U256::from(7);
        assert_eq!(
            oracle.sender(owner).multiplier_of(collection(), id),
            U256::from(10_000),
            "no multiplier: 1×"
        );
        #[allow(deprecated)] // motsu's fixed block time, read the way the host exposes it
        let expires = clock::now(stylus_sdk::block::timestamp()) + 1_000;
        oracle
            .sender(owner)
            .set_multiplier(collection(), id, 12_500, expires)
            .expect("set");
        assert_eq!(
            oracle.sender(owner).multiplier_of(collection(), id),
            U256::from(12_500)
        );
        // The floor ignores the multiplier; liquidationPrice applies it; same status.
        let floor = oracle
            .sender(owner)
            .liquidation_floor(collection())
            .expect("floor");
        let priced = oracle
            .sender(owner)
            .liquidation_price(collection(), id)
            .expect("price");
        assert_eq!(floor.0, U256::from(1_000));
        assert_eq!(priced.0, U256::from(1_250));
        assert_eq!(floor.1, priced.1);
        clock::advance(1_001);
        assert_eq!(
            oracle.sender(owner).multiplier_of(collection(), id),
            U256::from(10_000),
            "expired: 1×"
        );
    }
}
