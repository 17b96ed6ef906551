"""Operations on a running installation: health, metrics, checks, backups and restores."""
