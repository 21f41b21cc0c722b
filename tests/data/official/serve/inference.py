"""Stand-in TensorFlow Serving pre/post-processing script used by the model repack cases."""


def input_handler(data, context):
    return data.read().decode("utf-8")


def output_handler(response, context):
    return response.content, context.accept_header
