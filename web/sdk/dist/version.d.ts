export declare const VERSION = "0.1.0";
export declare const SDK_NAME = "trailguide-js/0.1.0";
