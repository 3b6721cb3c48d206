package orgshare.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Tests over real HTTP between three federated deployments (each its own DynamoDB Local server, table, operator and
 * keys, peers registered both ways), started once for the test class and stopped after it.
 */
abstract class OnThreeClouds {
    static Deployment.Trio clouds;
    static Deployment a;
    static Deployment b;
    static Deployment c;

    @BeforeAll
    static void threeDeployments() throws Exception {
        clouds = Deployment.Trio.federated();
        a = clouds.a();
        b = clouds.b();
        c = clouds.c();
    }

    @AfterAll
    static void stopThreeDeployments() {
        clouds.close();
    }
}
