"""The stock screener (종목검색): a safe condition language over bars and indicators, scans of
the whole market, saved strategies, and real-time watching."""
