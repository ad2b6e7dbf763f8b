/**
 * Seed 000's PHP example of ScaleEngine's `usage.all`, as published (its lost closing `);` and `}`
 * restored), with what it leaves to the user filled in for the demo: the endpoint and credentials
 * from the environment, the demo month instead of the seed's July 2024, and no app or day filter,
 * so it lists every video of the account over the month.
 */
export function scaleEngineExample(year: number, month: number): string {
  return `<?php
// Seed 000's ScaleEngine usage.all example, filled in by tally demo: SE_URL, SE_API_KEY,
// SE_SECRET and SE_CDN come from the environment; the demo month replaces the seed's date.
    $request = array(
        'command' => 'usage.all',
        'api_key' => getenv('SE_API_KEY'),
        'timestamp' => time(),
        'cdn' => (int) getenv('SE_CDN'),
        'year' => ${year},
        'month' => ${month},
    );
        //Create request signature
    $json_request = json_encode($request);
    $sig = base64_encode(hash_hmac('sha256', $json_request,
        getenv('SE_SECRET'), true));
    $request['signature'] = $sig;
    $json_request = json_encode($request);
    $ch = curl_init();
    curl_setopt($ch, CURLOPT_URL, getenv('SE_URL')); // Set the URL
    curl_setopt($ch, CURLOPT_POST, true); // Perform a POST
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true); // If not set, curl prints output to the browser
    curl_setopt($ch, CURLOPT_HEADER, false); // If set, curl returns headers as part of the data stream
    curl_setopt($ch, CURLOPT_POSTFIELDS, array('json' => $json_request)); //'Json' string or 'PHP' serialized return
    $response = curl_exec($ch); //Execute the API Call
    if (!$response) {
        die('Failed to connect to ScaleEngine API');
    }
    //Decode the response as an associative array
    $arrResponse = json_decode($response, true);
    if ($arrResponse) {
        //Operation completed successfully
        echo $response;
    } else {
        //Operation failed
        echo 'An error occured processing your request:';
    }
`;
}
