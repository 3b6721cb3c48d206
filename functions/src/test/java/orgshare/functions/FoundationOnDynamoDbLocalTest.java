package orgshare.functions;

import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;

import java.util.Map;

class FoundationOnDynamoDbLocalTest {
    @Test
    void foundationScenario() {
        FoundationScenario.run(DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of()));
    }
}
