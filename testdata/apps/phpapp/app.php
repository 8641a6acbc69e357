<?php

// Prints a digest of the credentials the invoicing job is configured with (fake values planted
// for hoist's end-to-end tests), so a test can prove the program sees the same values before and
// after hoist moves them to Secrets Manager.

$dbPassword = 'x3jANML3YJ-rNdh0N4X';
$stripeApiKey = 'sk_live_51Rmo3D25f71GzsYFQdzprvbSe';

echo hash('sha256', $dbPassword . "\n" . $stripeApiKey), "\n";
