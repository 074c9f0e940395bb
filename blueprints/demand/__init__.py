"""The demand library (一企一档 供需适配库, seed 004 annex 1)."""
