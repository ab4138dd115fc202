//! Turning failed calls into readable messages: custom errors in revert data are decoded
//! against every `error` declared in the checked-in interfaces (`abi/*.sol`).

use alloy::{
    dyn_abi::{DynSolType, DynSolValue},
    primitives::{keccak256, Bytes},
};

/// OpenZeppelin's ERC-20 / ERC-721 errors (EIP-6093), raised by the tokens and collections.
const TOKEN_ERRORS: &str = "
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error ERC20InvalidReceiver(address receiver);
    error ERC721NonexistentToken(uint256 tokenId);
    error ERC721IncorrectOwner(address sender, uint256 tokenId, address owner);
    error ERC721InsufficientApproval(address operator, uint256 tokenId);
    error ERC721InvalidReceiver(address receiver);
    error ERC721InvalidSender(address sender);
";

/// The interfaces whose errors are known, as exported by `lien abi`. The OfferBook's errors
/// also come back from `LoanBook.borrow`, which passes the OfferBook's revert data through;
/// the LoanDesk's come from the LoanBook's address (its fallback runs the desk's code).
const INTERFACES: [&str; 9] = [
    TOKEN_ERRORS,
    include_str!("../../../abi/OfferBook.sol"),
    include_str!("../../../abi/LoanBook.sol"),
    include_str!("../../../abi/LoanDesk.sol"),
    include_str!("../../../abi/Liquidator.sol"),
    include_str!("../../../abi/Oracle.sol"),
    include_str!("../../../abi/Governance.sol"),
    include_str!("../../../abi/Vault.sol"),
    include_str!("../../../abi/standard/IOwnable.sol"),
];

/// One declared custom error: `Name(type,type)`.
struct ErrorDecl {
    name: String,
    types: Vec<String>,
}

impl ErrorDecl {
    fn signature(&self) -> String {
        format!("{}({})", self.name, self.types.join(","))
    }
}

/// Reads `error Name(type a, type b);` declarations out of Solidity interface text.
fn declarations(source: &str) -> Vec<ErrorDecl> {
    source
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("error ")?;
            let (name, args) = rest.split_once('(')?;
            let args = args.split_once(')')?.0;
            let types = args
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| a.split_whitespace().next().unwrap_or(a).to_owned())
                .collect();
            Some(ErrorDecl {
                name: name.trim().to_owned(),
                types,
            })
        })
        .collect()
}

fn show(v: &DynSolValue) -> String {
    match v {
        DynSolValue::Address(a) => a.to_string(),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Bytes(b) => Bytes::from(b.clone()).to_string(),
        DynSolValue::FixedBytes(w, n) => Bytes::copy_from_slice(&w[..*n]).to_string(),
        other => format!("{other:?}"),
    }
}

/// Decodes revert data: a declared custom error (`LoanBookLtvExceeded(30000…)`), a
/// Solidity `Error(string)`, or the raw bytes when nothing matches.
pub fn decode_revert(data: &[u8]) -> String {
    if data.len() < 4 {
        return if data.is_empty() {
            "reverted without data".into()
        } else {
            format!("reverted with {}", Bytes::copy_from_slice(data))
        };
    }
    let (selector, args) = data.split_at(4);
    if selector == [0x08, 0xc3, 0x79, 0xa0] {
        if let Ok(DynSolValue::Tuple(v)) =
            DynSolType::Tuple(vec![DynSolType::String]).abi_decode_params(args)
        {
            if let [DynSolValue::String(s)] = v.as_slice() {
                return format!("reverted: {s}");
            }
        }
    }
    for decl in INTERFACES.iter().flat_map(|s| declarations(s)) {
        if keccak256(decl.signature().as_bytes())[..4] != *selector {
            continue;
        }
        let Ok(types) = decl
            .types
            .iter()
            .map(|t| DynSolType::parse(t))
            .collect::<Result<Vec<_>, _>>()
        else {
            return decl.name;
        };
        return match DynSolType::Tuple(types).abi_decode_params(args) {
            Ok(DynSolValue::Tuple(values)) => {
                format!(
                    "{}({})",
                    decl.name,
                    values.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
            _ => format!("{} (undecodable arguments)", decl.name),
        };
    }
    format!(
        "reverted with unknown error {}",
        Bytes::copy_from_slice(data)
    )
}

/// A readable message for a failed contract call or transaction.
pub fn explain(e: &alloy::contract::Error) -> String {
    match e.as_revert_data() {
        Some(data) => decode_revert(&data),
        None => e.to_string(),
    }
}

/// Shortens every run of more than 64 hex digits after `0x` in a message (node errors can
/// echo whole init codes) to its first 32 digits and its length in bytes.
pub fn shorten_hex(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(4_096));
    let mut rest = msg;
    while let Some(i) = rest.find("0x") {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let digits = tail[2..].bytes().take_while(u8::is_ascii_hexdigit).count();
        if digits > 64 {
            out.push_str(&format!("0x{}… ({} bytes)", &tail[2..34], digits / 2));
        } else {
            out.push_str(&tail[..2 + digits]);
        }
        rest = &tail[2 + digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::{primitives::U256, sol_types::SolError};
    use lien_client::bindings::{IGovernance, ILoanBook, IOfferBook};

    #[test]
    fn custom_errors_decode_with_arguments() {
        let e = ILoanBook::LoanBookLtvExceeded(U256::from(30u64));
        assert_eq!(decode_revert(&e.abi_encode()), "LoanBookLtvExceeded(30)");
        let mut data = keccak256("ERC721NonexistentToken(uint256)")[..4].to_vec();
        data.extend(U256::from(8u8).to_be_bytes::<32>());
        assert_eq!(decode_revert(&data), "ERC721NonexistentToken(8)");
        let e = ILoanBook::LoanBookNotLiquidatable {};
        assert_eq!(decode_revert(&e.abi_encode()), "LoanBookNotLiquidatable()");
        let e = IGovernance::GovTimelocked {
            _0: U256::from(1u64),
            _1: 99,
        };
        assert_eq!(decode_revert(&e.abi_encode()), "GovTimelocked(1, 99)");
    }

    #[test]
    fn offer_book_errors_decode() {
        assert_eq!(
            decode_revert(&IOfferBook::OfferBookOfferExpired {}.abi_encode()),
            "OfferBookOfferExpired()"
        );
        assert_eq!(
            decode_revert(&IOfferBook::OfferBookPaused {}.abi_encode()),
            "OfferBookPaused()"
        );
        let e = IOfferBook::OfferBookUnknownOffer(U256::from(9u8));
        assert_eq!(decode_revert(&e.abi_encode()), "OfferBookUnknownOffer(9)");
        let e = IOfferBook::OfferBookChangeTooSoon(1_700_000_000);
        assert_eq!(
            decode_revert(&e.abi_encode()),
            "OfferBookChangeTooSoon(1700000000)"
        );
    }

    #[test]
    fn string_reverts_and_unknown_data() {
        let mut data = vec![0x08, 0xc3, 0x79, 0xa0];
        data.extend(
            DynSolValue::Tuple(vec![DynSolValue::String("nope".into())]).abi_encode_params(),
        );
        assert_eq!(decode_revert(&data), "reverted: nope");
        assert_eq!(decode_revert(&[]), "reverted without data");
        assert!(decode_revert(&[1, 2, 3, 4]).starts_with("reverted with unknown error 0x01020304"));
    }

    #[test]
    fn long_hex_is_shortened() {
        let long = format!("data: \"0x{}\" end 0x1234", "ab".repeat(100));
        assert_eq!(
            shorten_hex(&long),
            format!("data: \"0x{}… (100 bytes)\" end 0x1234", "ab".repeat(16))
        );
        assert_eq!(shorten_hex("no hex 0x"), "no hex 0x");
    }

    #[test]
    fn every_interface_declares_errors() {
        for source in INTERFACES {
            assert!(!declarations(source).is_empty());
        }
    }
}
