"""Step definitions: thin translations of Gherkin into protocol commands and Web API calls."""
