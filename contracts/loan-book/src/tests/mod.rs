//! motsu tests (being ported to the OfferBook split).
