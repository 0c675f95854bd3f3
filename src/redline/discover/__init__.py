"""Discovery stages: shingles, MinHash signatures, LSH banding, verification, clustering."""
