"""Learn: monitors' decisions back to the model (training data, sampling, agreement, re-scoring)."""
