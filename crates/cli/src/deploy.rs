//! `lien deploy`: package, deploy, wire, hand over to Governance, write the deployment file.

use std::path::{Path, PathBuf};

use alloy::{primitives::Address, providers::Provider};
use lien_client::{
    bindings::{IOfferBook, IPriceOracle},
    fragments::{self, Oversize, Plan},
    package, program_cache,
    protocol::{self, GovernanceSetup, OracleParams, RiskSetup, Step},
};

use crate::ctx::{CliError, CliResult, Ctx, Deployment, Mocks};
use crate::input::{parse_address, parse_amount};
use crate::tx;

/// Deployment options.
#[derive(Clone, Debug, clap::Args)]
pub struct DeployOpts {
    /// Network name: the file written is deployments/<network>.json (unless --deployment).
    #[arg(long, default_value = "devnode")]
    pub network: String,
    /// Governance owners, comma-separated (default: the signer alone).
    #[arg(long, value_delimiter = ',')]
    pub owners: Vec<String>,
    /// Approvals needed to execute a proposal (default: 2 with several owners, else 1).
    #[arg(long)]
    pub threshold: Option<u8>,
    /// Timelock in seconds (at least 3600).
    #[arg(long, default_value = "3600")]
    pub delay: u64,
    /// Guardian allowed to pause new offers and borrowing on the offer book (default: the signer).
    #[arg(long)]
    pub guardian: Option<String>,
    /// Use already packaged `<package>.code` files from this folder instead of building.
    #[arg(long)]
    pub code_dir: Option<PathBuf>,
    /// Also deploy a mock ERC-20 and ERC-721, list them (LTV 40%, liquidation 65%) with the
    /// given reporters (default: the signer) before the hand-over. For local use.
    #[arg(long)]
    pub with_mocks: bool,
    /// Oracle reporters of the mock collection, comma-separated (quorum = their number).
    #[arg(long, value_delimiter = ',', requires = "with_mocks")]
    pub reporters: Vec<String>,
    /// Do not refuse code over 24,576 B before sending it (for nodes with a raised limit,
    /// e.g. `lien node --max-code-size 40000`, while a contract listed in
    /// contracts/size-exceptions.txt is over).
    #[arg(long, conflicts_with = "fragments")]
    pub skip_size_check: bool,
    /// Deploy every program whose compressed code is over 24,576 B as ArbOS 60 fragments
    /// plus a root (at most 2 fragments, a module of at most 256 KiB); the others as usual.
    /// Checked before anything is sent: the chain must run ArbOS 60 or later
    /// (`lien node --arbos 60`) when a program is over.
    #[arg(long)]
    pub fragments: bool,
    /// Cache the protocol's programs through the chain's CacheManager (`placeBid` with
    /// `getMinBid`, as `cargo stylus cache bid` does) so calls pay the cached entry cost
    /// instead of the init cost; prints each bid and its gas.
    #[arg(long)]
    pub cache: bool,
}

/// The packages deployed by `lien deploy` (the mocks only with --with-mocks).
const PROTOCOL: [&str; 8] = lien_client::protocol::PROTOCOL_PACKAGES;
const MOCKS: [&str; 2] = ["lien-mock-token", "lien-mock-nft"];

fn load_code(dir: &Path, names: &[&str], check_size: bool) -> CliResult<Vec<(String, Vec<u8>)>> {
    let code: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| {
            let path = dir.join(format!("{n}.code"));
            std::fs::read(&path)
                .map(|code| ((*n).to_owned(), code))
                .map_err(|e| {
                    CliError::Missing(format!(
                        "no packaged code at {} ({e}); run `lien package` first",
                        path.display()
                    ))
                })
        })
        .collect::<CliResult<_>>()?;
    let over: Vec<String> = code
        .iter()
        .filter(|(_, c)| c.len() > package::MAX_COMPRESSED_BYTES)
        .map(|(n, c)| format!("{n} ({} B)", c.len()))
        .collect();
    if check_size && !over.is_empty() {
        return Err(CliError::Missing(format!(
            "over the {} B code limit, cannot be deployed: {}",
            package::MAX_COMPRESSED_BYTES,
            over.join(", ")
        )));
    }
    Ok(code)
}

/// Packages `names` (reusing fresh artifacts); with `check_size`, refuses a contract over one
/// account, or with `fragments` one over ArbOS 60's fragment limits.
fn build_code(
    names: &[&str],
    check_size: bool,
    fragments: bool,
) -> CliResult<Vec<(String, Vec<u8>)>> {
    let root = package::workspace_root();
    println!("packaging the contracts …");
    let only: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    let artifacts = package::package_some(&root, &lien_client::cache::stylus_dir(&root), &only)
        .map_err(anyhow::Error::from)?;
    let fragmented: &[String] = if fragments { &only } else { &[] };
    print!("{}", package::size_table_fragmented(&artifacts, fragmented));
    if check_size {
        package::check_limits_fragmented(&artifacts, &[], fragmented)
            .map_err(anyhow::Error::from)?;
    }
    Ok(artifacts.into_iter().map(|a| (a.package, a.code)).collect())
}

fn print_steps(steps: &[Step]) -> u64 {
    let mut total = 0u64;
    for s in steps {
        println!("{:<58} {:>10}", s.what, s.gas);
        total = total.saturating_add(s.gas);
    }
    total
}

/// The oracle parameters of the mock collection: quorum of the reporters, 1 h maximum age and
/// TWAP window, 20% jump breaker confirmed after 10 min, 15% spread, 18 decimals.
fn mock_oracle_params(quorum: u8) -> OracleParams {
    OracleParams {
        min_sources: quorum,
        max_age: 3_600,
        max_jump_bps: 2_000,
        confirm_delay: 600,
        max_spread_bps: 1_500,
        twap_window: 3_600,
        decimals: 18,
    }
}

/// Runs `lien deploy`.
pub async fn run(ctx: &Ctx, opts: DeployOpts) -> CliResult<()> {
    let owners: Vec<Address> = if opts.owners.is_empty() {
        vec![ctx.me]
    } else {
        opts.owners
            .iter()
            .map(|o| parse_address(o))
            .collect::<Result<_, _>>()?
    };
    let threshold = opts
        .threshold
        .unwrap_or(if owners.len() > 1 { 2 } else { 1 });
    if threshold == 0 || usize::from(threshold) > owners.len() {
        return Err(CliError::Missing(format!(
            "--threshold {threshold} must be between 1 and the {} owners",
            owners.len()
        )));
    }
    if opts.delay < 3_600 {
        return Err(CliError::Missing(
            "--delay must be at least 3600 seconds".into(),
        ));
    }
    let guardian = match &opts.guardian {
        Some(g) => parse_address(g)?,
        None => ctx.me,
    };
    let reporters: Vec<Address> = if opts.reporters.is_empty() {
        vec![ctx.me]
    } else {
        opts.reporters
            .iter()
            .map(|r| parse_address(r))
            .collect::<Result<_, _>>()?
    };
    if reporters.len() > 10 {
        return Err(CliError::Missing("at most 10 reporters".into()));
    }
    let mut names: Vec<&str> = PROTOCOL.to_vec();
    if opts.with_mocks {
        names.extend(MOCKS);
    }
    // With --fragments the size is checked as fragments, by the preflight below.
    let check_size = !opts.skip_size_check && !opts.fragments;
    let code = match &opts.code_dir {
        Some(dir) => load_code(dir, &names, check_size)?,
        None => build_code(&names, !opts.skip_size_check, opts.fragments)?,
    };
    let get = |n: &str| code.iter().find(|(p, _)| p == n).map(|(_, c)| c.as_slice());
    let oversize = if opts.fragments {
        Oversize::Fragments
    } else {
        Oversize::AsIs
    };
    // Every program planned before the first transaction: a program over ArbOS 60's
    // fragment limits, or fragments on a chain before ArbOS 60, stop here with nothing sent.
    let programs: Vec<(&str, &[u8])> = code
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    let plans = fragments::preflight(&ctx.provider, &programs, oversize)
        .await
        .map_err(anyhow::Error::from)?;
    for ((name, code), plan) in programs.iter().zip(&plans) {
        if let Plan::Fragmented(f) = plan {
            let sizes: Vec<String> = f
                .fragments
                .iter()
                .map(|c| format!("{} B", c.len()))
                .collect();
            println!(
                "{name}: {} B compressed, over one account: {} fragments ({}) + root (ArbOS 60)",
                code.len(),
                f.fragments.len(),
                sizes.join(" + ")
            );
        }
    }
    let plan_of = |n: &str| {
        programs
            .iter()
            .position(|(p, _)| *p == n)
            .map(|i| &plans[i])
            .ok_or_else(|| CliError::Missing(format!("no packaged code for {n}")))
    };
    let chain_id = ctx
        .provider
        .get_chain_id()
        .await
        .map_err(|e| CliError::Rpc("chain id".into(), e.to_string()))?;
    // Nothing of this deployment is in or before this block: the indexer starts after it.
    let start_block = ctx
        .provider
        .get_block_number()
        .await
        .map_err(|e| CliError::Rpc("block number".into(), e.to_string()))?
        + 1;
    let setup = GovernanceSetup {
        owners,
        threshold,
        delay: opts.delay,
        guardian,
    };
    let (addresses, mut steps) = protocol::deploy_protocol_with(
        &ctx.provider,
        ctx.me,
        get,
        &setup,
        RiskSetup::default(),
        oversize,
    )
    .await
    .map_err(anyhow::Error::from)?;
    let mut mocks = None;
    if opts.with_mocks {
        let missing = |n: &str| CliError::Missing(format!("no packaged code for {n}"));
        let mut deployed = Vec::with_capacity(MOCKS.len());
        for (name, label) in MOCKS.into_iter().zip(["mock currency", "mock collection"]) {
            let d = fragments::deploy_planned(
                &ctx.provider,
                name,
                get(name).ok_or_else(|| missing(name))?,
                plan_of(name)?,
                None,
            )
            .await
            .map_err(anyhow::Error::from)?;
            steps.extend(protocol::program_steps(label, &d));
            deployed.push(d.program.address);
        }
        let (currency, collection) = (deployed[0], deployed[1]);
        let oracle = IPriceOracle::new(addresses.oracle, &ctx.provider);
        let quorum = u8::try_from(reporters.len()).map_err(|_| CliError::Overflow("quorum"))?;
        let gas = tx!(
            format!("oracle.setParams (quorum {quorum}, TWAP 1 h)"),
            oracle.setParams(
                collection,
                protocol::oracle_params_word(&mock_oracle_params(quorum))
            )
        );
        steps.push(Step {
            what: "oracle.setParams".into(),
            gas,
        });
        for r in &reporters {
            let gas = tx!(
                format!("oracle.addReporter {r}"),
                oracle.addReporter(collection, *r)
            );
            steps.push(Step {
                what: format!("oracle.addReporter {r}"),
                gas,
            });
        }
        let offers = IOfferBook::new(addresses.offer_book, &ctx.provider);
        let tip_cap = parse_amount("5", 18)?;
        let gas = tx!(
            "offerBook.setCurrency",
            offers.setCurrency(currency, tip_cap)
        );
        steps.push(Step {
            what: "offerBook.setCurrency (tip cap 5)".into(),
            gas,
        });
        let gas = tx!(
            "offerBook.listCollection",
            offers.listCollection(
                collection,
                currency,
                4_000,
                6_500,
                800,
                13_000,
                9_800,
                90 * 86_400,
                86_400,
                300,
                86_400
            )
        );
        steps.push(Step {
            what: "offerBook.listCollection (LTV 40%, liq 65%)".into(),
            gas,
        });
        mocks = Some(Mocks {
            currency,
            collection,
        });
    }
    if opts.cache {
        let programs = addresses.transacted_programs();
        let mut total_bid = alloy::primitives::U256::ZERO;
        for (name, program) in programs {
            let bid = program_cache::cache_program(&ctx.provider, program)
                .await
                .map_err(anyhow::Error::from)?;
            total_bid += bid.bid;
            match bid.gas_used {
                Some(gas) => {
                    println!(
                        "cached {name:<11} {program}: bid {} wei at {}, {gas} gas",
                        bid.bid, bid.manager
                    );
                    steps.push(Step {
                        what: format!("cache {name} (CacheManager.placeBid, {} wei)", bid.bid),
                        gas,
                    });
                }
                None => println!("cached {name:<11} {program}: already cached"),
            }
        }
        println!("caching cost: {total_bid} wei in bids plus the gas above");
    }
    steps.extend(
        protocol::hand_over_to_governance(&ctx.provider, &addresses)
            .await
            .map_err(anyhow::Error::from)?,
    );
    let deployment = Deployment {
        network: opts.network.clone(),
        chain_id,
        contracts: addresses,
        mocks,
        start_block: Some(start_block),
    };
    let path = ctx.globals.deployment_path(&opts.network);
    deployment.save(&path)?;
    println!("\n{:<58} {:>10}", "step", "gas");
    let total = print_steps(&steps);
    println!("{:<58} {:>10}\n", "total", total);
    println!("governance  {}", addresses.governance);
    println!("oracle      {}", addresses.oracle);
    println!("vault       {}", addresses.vault);
    println!("offer book  {}", addresses.offer_book);
    println!("loan book   {}", addresses.loan_book);
    println!(
        "loan desk   {} (its code; call the desk's functions at the loan book)",
        addresses.loan_desk
    );
    println!("loan lens   {}", addresses.loan_lens);
    println!("liquidator  {}", addresses.liquidator);
    if let Some(m) = mocks {
        println!("currency    {} (mock, mintable)", m.currency);
        println!("collection  {} (mock, mintable)", m.collection);
    }
    println!("wrote {}", path.display());
    Ok(())
}
