//! motsu tests (see tests/).
