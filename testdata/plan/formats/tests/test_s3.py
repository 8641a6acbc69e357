def test_upload():
    aws_access_key_id = "AKIAMNYOUNII7WCERKH4"
    aws_secret_access_key = "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"
