"""Text stages: normalization, sentence segmentation, furniture roles and facts."""
