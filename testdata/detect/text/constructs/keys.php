<?php
// Framework keys named as one word or with a qualifier the credential word needs.
return [
    'components' => [
        'request' => [
            'cookieValidationKey' => 'Qm7-xT2vLp9_RwK4sN8dYc3Z',
        ],
    ],
    'hmacKey' => 'c9f1e27a4b6d0853ef',
];
