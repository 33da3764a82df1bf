"""The event pipeline's infrastructure code (the only part of ``mips`` that talks to AWS).

- :mod:`.aws` lazily created boto3 clients (endpoints resolved by botocore, or ``--endpoint-url``)
- :mod:`.events` S3-in-SQS envelope parsing and the messages between functions
- :mod:`.store` DynamoDB entity table (input versions, intermediate results, final result) and S3 bucket
- :mod:`.idempotency` powertools Idempotency keyed on business identity
- :mod:`.steps` what each Lambda function does with one record (calls :mod:`mips.engine`)
- :mod:`.template` offline SAM translation of template.yaml; :mod:`.provision` creates its resources
- :mod:`.driver` the local event source mappings (``mips run-local``); :mod:`.dlq` dead-letter replay
"""
