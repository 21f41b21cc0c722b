"""Boston housing regression with TF2 Keras, in SageMaker script mode (the seed 000 workflow).

Reads ``train.csv`` / ``test.csv`` (13 feature columns, then MEDV; a header row) from the
``train`` and ``test`` channels (``SM_CHANNEL_TRAIN`` / ``SM_CHANNEL_TEST``), fits a small
dense network on standardised features, prints the test MSE, and exports a SavedModel to
``$SM_MODEL_DIR/1`` - the ``<version>/saved_model.pb`` layout TensorFlow Serving loads.
The standardisation is part of the model (a Normalization layer), so the endpoint takes
raw feature rows.
"""

import argparse
import os

import numpy as np
import tensorflow as tf


def load(channel: str) -> tuple[np.ndarray, np.ndarray]:
    data = np.loadtxt(os.path.join(channel, os.listdir(channel)[0]), delimiter=",", skiprows=1, dtype=np.float32)
    return data[:, :-1], data[:, -1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--learning_rate", type=float, default=0.01)
    parser.add_argument("--model_dir", type=str)  # sent by the TensorFlow estimator; the model goes to SM_MODEL_DIR
    parser.add_argument("--train", type=str, default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--test", type=str, default=os.environ.get("SM_CHANNEL_TEST"))
    args, _ = parser.parse_known_args()

    x_train, y_train = load(args.train)
    x_test, y_test = load(args.test)

    normalize = tf.keras.layers.Normalization()
    normalize.adapt(x_train)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((x_train.shape[1],)),
            normalize,
            tf.keras.layers.Dense(64, activation="relu"),
            tf.keras.layers.Dense(32, activation="relu"),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=tf.keras.optimizers.Adam(args.learning_rate), loss="mse")
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, verbose=2)
    print(f"test mse: {model.evaluate(x_test, y_test, verbose=0):.3f}")

    tf.saved_model.save(model, os.path.join(os.environ["SM_MODEL_DIR"], "1"))


if __name__ == "__main__":
    main()
